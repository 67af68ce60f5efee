import { DropZone } from '../components/DropZone';
import { RecentList } from '../components/RecentList';

export function Welcome() {
  return (
    <main className="welcome" data-testid="welcome">
      <header className="hero">
        <div className="logo" aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </div>
        <h1>BYOL Explorer</h1>
        <p className="tagline">Explore a folder of unlabeled images: learn features without labels, map them in 3D, label a few, and let the rest follow.</p>
      </header>
      <div className="welcome-body">
        <DropZone />
        <RecentList />
      </div>
    </main>
  );
}
