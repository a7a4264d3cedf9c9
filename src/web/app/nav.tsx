/**
 * What the router needs before the signed-in shell is loaded: the permission groups of the menu and
 * the fallback shown while a lazy chunk arrives. Kept out of layout.tsx so that the login page does
 * not pull the shell (menu, header, notifications, the outbox) over a phone's link (issue 16).
 */

/** Any permission to read or report a case type: the case module's menu entries. */
export const CASE_READ = ['event.read', 'dispute.read', 'request.read'];
export const CASE_ACCESS = [...CASE_READ, 'event.report', 'dispute.report', 'request.report'];
/** Any permission of the visits module that opens a visit or a patrol. */
export const VISIT_ACCESS = ['visit.read', 'visit.record'];

/** While a page's code arrives: a spinner drawn by CSS (no component library needed yet). */
export function PageFallback() {
  return (
    <div className="jy-page-fallback" role="status" aria-busy="true">
      <span className="jy-spinner" />
    </div>
  );
}
