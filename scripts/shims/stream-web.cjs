'use strict';
// See lazy-middy-streams.cjs.
module.exports = require('./lazy-middy-streams.cjs').web;
