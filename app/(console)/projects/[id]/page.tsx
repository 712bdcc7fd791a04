import { ProjectPage } from '@/components/projects/project-page';
import { WithId } from '@/components/common/id-param';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WithId raw={id}>{(n) => <ProjectPage id={n} />}</WithId>;
}
