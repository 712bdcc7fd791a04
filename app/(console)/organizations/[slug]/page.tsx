import { subjectPage } from '@/components/common/subject-page';
import { OrganizationPage } from '@/components/organizations/organization-page';

const page = subjectPage('organization', 'slug', (slug) => <OrganizationPage slug={slug} />);
export const generateMetadata = page.generateMetadata;
export default page.Page;
