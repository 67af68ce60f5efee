import { Icon } from '../Icon';

/** The trainer's collapse or divergence warning, impossible to miss while it stands. */
export function CollapseBanner({ warning }: { warning: string }) {
  return (
    <div className="collapse-banner" role="alert" data-testid="collapse-warning">
      <Icon name="alert" size={22} />
      <div>
        <p className="banner-title">Representation collapse detected</p>
        <p>{warning}</p>
        <p className="muted small">The loss can look excellent while every image maps to the same vector. Stop, then lower the learning rate or raise the batch size and start again.</p>
      </div>
    </div>
  );
}
