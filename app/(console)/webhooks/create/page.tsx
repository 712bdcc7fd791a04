import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { CreateWebhookPage } from '@/components/webhooks/create-webhook-page';

export const metadata = { title: 'Setup a webhook' };

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <CreateWebhookPage />
    </Suspense>
  );
}
