import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { subjectPage } from '@/components/common/subject-page';
import { OrganizationWebhooksPage } from '@/components/webhooks/scope-pages';

const page = subjectPage('organization-webhooks', 'slug', (slug) => (
  <Suspense fallback={<Loading />}>
    <OrganizationWebhooksPage slug={slug} />
  </Suspense>
));
export const generateMetadata = page.generateMetadata;
export default page.Page;
