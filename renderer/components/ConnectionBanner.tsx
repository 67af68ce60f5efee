import { useApp } from '../state/app-store';

/** Serve mode only: says so when the WebSocket to the server is down. */
export function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  const ready = useApp((s) => s.ready);
  if (connection !== 'lost' || !ready) return null;
  return (
    <div className="banner" role="alert">
      Lost the connection to the BYOL server — reconnecting… If you restarted <code>npm run serve</code>, open the new link it printed.
    </div>
  );
}
