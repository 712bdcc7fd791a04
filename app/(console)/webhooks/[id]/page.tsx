import { Suspense } from 'react';
import { WithId } from '@/components/common/id-param';
import { Loading } from '@/components/common/query-state';
import { WebhookPage } from '@/components/webhooks/webhook-page';

export const metadata = { title: 'Webhook · Herald' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <WithId raw={id}>
      {(n) => (
        <Suspense fallback={<Loading />}>
          <WebhookPage id={n} />
        </Suspense>
      )}
    </WithId>
  );
}
