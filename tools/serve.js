// Serves web/ on http://localhost:8080 (PORT to change it) for `npm start`,
// and for the browser tests (startServer, which can serve another folder,
// e.g. the widgets' artefact).
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = fileURLToPath(new URL('../web', import.meta.url));

export function startServer(port = 8080, host = '127.0.0.1', dir = root) {
  const serve = sirv(dir, { dev: true, etag: true, extensions: ['html'] });
  const server = createServer((req, res) => {
    serve(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('not found');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  startServer(port, process.env.HOST ?? '0.0.0.0').then(
    () => console.log(`CNN playground: http://localhost:${port}/`),
    (e) => {
      console.error(`could not serve on port ${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
