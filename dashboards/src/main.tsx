/** Entry point: styles, link interception, and the shell on #app. */
import { render } from 'preact';
import { createApi } from './api/client.js';
import { App } from './app.js';
import { interceptLinks } from './router.js';
import './styles.css';

interceptLinks();
render(<App api={createApi()} />, document.getElementById('app')!);
