import { TasksList } from '@/components/tasks/tasks-list';

export const metadata = { title: 'Tasks · Herald' };

export default function TasksPage() {
  return <TasksList />;
}
