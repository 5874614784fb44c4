import { nodeHttpAdapter } from './nodeHttp';
import { runAdapterTests } from './testing';

runAdapterTests(nodeHttpAdapter, {
  valid: [
    { name: 'createServer of another module', code: "import { createServer } from 'vite';\ncreateServer({ root: '.' });\n" },
    { name: 'a server without a listener', code: "import http from 'node:http';\nconst server = http.createServer();\nserver.on('close', () => {});\n" },
  ],
  invalid: [
    { name: 'an inline listener', code: "import http from 'node:http';\nhttp.createServer((req, res) => res.end()).listen(8080);\n", reasons: ['request listener of http.createServer'] },
    { name: 'a listener by reference, with options first', code: "import { createServer } from 'https';\ncreateServer({ key, cert }, app);\n", reasons: ['request listener of http.createServer'] },
    { name: "a 'request' event listener", code: "import http from 'http';\nconst server = http.createServer();\nserver.on('request', (req, res) => res.end());\n", reasons: ['request listener of http.createServer'] },
  ],
});
