import { json } from '@/lib/http/route';
import { ABOUT } from '@/lib/server/about';

/** Open to everyone, as CVAT's: clients check which server they talk to before signing in. */
export function GET() {
  return json(ABOUT);
}
