// The app shell is prerendered at build time (no data in it: grades are read in the browser), so the service
// worker can precache it and the app starts while offline.
export const prerender = true;
