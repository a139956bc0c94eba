// What the bundled Kubernetes client (scripts/bundle-kube-client.ts) takes from undici, required
// part by part: undici's index loads every dispatcher, mock and interceptor it has, which costs
// more than the rest of the client together. fetch is wrapped as undici's index wraps it.
'use strict';
const fetchImpl = require('undici/lib/web/fetch/index.js').fetch;

module.exports = {
  Agent: require('undici/lib/dispatcher/agent.js'),
  ProxyAgent: require('undici/lib/dispatcher/proxy-agent.js'),
  buildConnector: require('undici/lib/core/connect.js'),
  fetch: function fetch(init, options = undefined) {
    return fetchImpl(init, options).catch((err) => {
      if (err && typeof err === 'object') Error.captureStackTrace(err, fetch);
      throw err;
    });
  },
};
