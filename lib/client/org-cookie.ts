/** Where the selected organization is remembered; readable by the server layout and the browser. */
export const ORG_STORAGE_KEY = 'herald.org';
export const ORG_COOKIE = 'herald_org';
