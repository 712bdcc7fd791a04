import { subjectPage } from '@/components/common/subject-page';
import { JobPage } from '@/components/jobs/job-page';

const page = subjectPage('job', 'id', (id) => <JobPage id={Number(id)} />);
export const generateMetadata = page.generateMetadata;
export default page.Page;
