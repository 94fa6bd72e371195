/** Entry point: styles, link interception, and the shell on #app. */
import { render } from 'preact';
import { createApi } from './api/client.js';
import { App } from './app.js';
import { interceptLinks } from './router.js';
import './styles.css';

interceptLinks();
const root = document.getElementById('app')!;
// The "Loading" text of index.html goes; Preact adds to what a container holds.
root.replaceChildren();
render(<App api={createApi()} />, root);
