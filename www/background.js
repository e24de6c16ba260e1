// Opens ecekit next to the page when the toolbar button is clicked:
// Chrome's side panel, or Firefox's sidebar.
const api = globalThis.browser ?? globalThis.chrome;

if (api.sidePanel?.setPanelBehavior) {
  api.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
} else if (api.sidebarAction) {
  api.action.onClicked.addListener(() => api.sidebarAction.toggle());
}
