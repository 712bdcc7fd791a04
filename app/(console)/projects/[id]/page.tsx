import { subjectPage } from '@/components/common/subject-page';
import { ProjectPage } from '@/components/projects/project-page';

const page = subjectPage('project', 'id', (id) => <ProjectPage id={Number(id)} />);
export const generateMetadata = page.generateMetadata;
export default page.Page;
