import { mount } from 'svelte';
import App from './App.svelte';
import { installHttpShim } from './lib/bridge';

installHttpShim();
mount(App, { target: document.getElementById('app')! });
