import { lambdaAdapter } from './lambda';
import { runAdapterTests } from './testing';

runAdapterTests(lambdaAdapter, {
  valid: [
    { name: 'a handler that is not exported', code: 'const handler = async (event) => event;\n' },
    { name: 'a Handler type that is not from aws-lambda', code: "import type { Handler } from './events';\nexport const onSave: Handler = () => {};\n" },
    { name: 'a nested handler function', code: 'export function make() {\n  function handler() {}\n  return handler;\n}\n' },
  ],
  invalid: [
    { name: 'an exported handler function', code: 'export async function handler(event, context) {}\n', reasons: ['AWS Lambda handler'] },
    { name: 'a wrapped exported handler', code: 'export const handler = middy(async (event) => ({ statusCode: 200 })).use(cors());\n', reasons: ['AWS Lambda handler'] },
    { name: 'module.exports.handler and exports.handler', code: 'module.exports.handler = async (event) => {};\n', reasons: ['AWS Lambda handler'] },
    {
      name: 'a typed handler under another name',
      code: "import type { APIGatewayProxyHandler } from 'aws-lambda';\nexport const getOrders: APIGatewayProxyHandler = async (event) => ({ statusCode: 200, body: '' });\n",
      reasons: ['AWS Lambda handler'],
    },
  ],
});
