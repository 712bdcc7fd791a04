import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { subjectPage } from '@/components/common/subject-page';
import { ProjectWebhooksPage } from '@/components/webhooks/scope-pages';

const page = subjectPage('project-webhooks', 'id', (id) => (
  <Suspense fallback={<Loading />}>
    <ProjectWebhooksPage projectId={Number(id)} />
  </Suspense>
));
export const generateMetadata = page.generateMetadata;
export default page.Page;
