import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { subjectPage } from '@/components/common/subject-page';
import { WebhookPage } from '@/components/webhooks/webhook-page';

const page = subjectPage('webhook', 'id', (id) => (
  <Suspense fallback={<Loading />}>
    <WebhookPage id={Number(id)} />
  </Suspense>
));
export const generateMetadata = page.generateMetadata;
export default page.Page;
