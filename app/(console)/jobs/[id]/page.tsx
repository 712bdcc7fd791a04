import { WithId } from '@/components/common/id-param';
import { JobPage } from '@/components/jobs/job-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WithId raw={id}>{(n) => <JobPage id={n} />}</WithId>;
}
