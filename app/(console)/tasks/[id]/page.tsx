import { subjectPage } from '@/components/common/subject-page';
import { TaskPage } from '@/components/tasks/task-page';

const page = subjectPage('task', 'id', (id) => <TaskPage id={Number(id)} />);
export const generateMetadata = page.generateMetadata;
export default page.Page;
