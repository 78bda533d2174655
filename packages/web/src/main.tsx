import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

type Health = 'checking' | 'ok' | 'down';

/** Placeholder shell: the portal, counter, workspace and admin areas arrive with the web-app issue. */
function App() {
  const [health, setHealth] = useState<Health>('checking');
  useEffect(() => {
    fetch('/readyz')
      .then((r) => setHealth(r.ok ? 'ok' : 'down'))
      .catch(() => setHealth('down'));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', padding: '0 1rem' }}>
      <h1>Hệ thống thông tin giải quyết thủ tục hành chính</h1>
      <p lang="en" style={{ color: '#555' }}>
        Administrative procedure information system — motcua
      </p>
      <p>
        Trạng thái hệ thống / System status:{' '}
        <strong>
          {health === 'checking'
            ? 'đang kiểm tra…'
            : health === 'ok'
              ? 'sẵn sàng (ready)'
              : 'chưa sẵn sàng (not ready)'}
        </strong>
      </p>
      <ul>
        <li>
          <a href="/docs">Tài liệu API / API documentation</a>
        </li>
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
