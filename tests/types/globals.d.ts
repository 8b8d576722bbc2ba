// The page's one global that is not the platform's: uPlot, defined by uPlot.iife.min.js (a classic
// script index.html loads before main.js; `make dist` copies it from node_modules/uplot). Its type
// is uPlot's own declarations (node_modules/uplot/dist/uPlot.d.ts), whose `export as namespace
// uPlot` declares that global; tsconfig.web.json's allowUmdGlobalAccess lets the page's modules
// (web/charts.js) use it.
/// <reference types="uplot" />
