import { WithId } from '@/components/common/id-param';
import { TaskPage } from '@/components/tasks/task-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WithId raw={id}>{(n) => <TaskPage id={n} />}</WithId>;
}
