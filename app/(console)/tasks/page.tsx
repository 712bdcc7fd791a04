import { TasksList } from '@/components/tasks/tasks-list';

export const metadata = { title: 'Tasks' };

export default function TasksPage() {
  return <TasksList />;
}
