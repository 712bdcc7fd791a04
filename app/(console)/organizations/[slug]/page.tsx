import { OrganizationPage } from '@/components/organizations/organization-page';

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <OrganizationPage slug={decodeURIComponent(slug)} />;
}
