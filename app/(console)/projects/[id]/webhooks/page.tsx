import { Suspense } from 'react';
import { WithId } from '@/components/common/id-param';
import { Loading } from '@/components/common/query-state';
import { ProjectWebhooksPage } from '@/components/webhooks/scope-pages';

export const metadata = { title: 'Project webhooks · Herald' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <WithId raw={id}>
      {(n) => (
        <Suspense fallback={<Loading />}>
          <ProjectWebhooksPage projectId={n} />
        </Suspense>
      )}
    </WithId>
  );
}
