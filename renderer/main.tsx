import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import './styles/base.css';
import './styles/welcome.css';
import './styles/picker.css';
import './styles/project.css';
import './styles/tabs.css';
import './styles/train.css';
import './styles/charts.css';

// The CSP forbids eval; tell zod up front instead of letting it probe with new Function().
z.config({ jitless: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
