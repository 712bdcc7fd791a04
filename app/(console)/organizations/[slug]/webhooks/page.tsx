import { Suspense } from 'react';
import { Loading } from '@/components/common/query-state';
import { OrganizationWebhooksPage } from '@/components/webhooks/scope-pages';

export const metadata = { title: 'Organization webhooks · Herald' };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <Suspense fallback={<Loading />}>
      <OrganizationWebhooksPage slug={decodeURIComponent(slug)} />
    </Suspense>
  );
}
