/**
 * The colour scheme the page is shown in (the system's, as the CSS variables in App.vue follow
 * it), for what script paints: a canvas cannot read a CSS variable per pixel, so a panel that
 * draws picks its colours from this and redraws when it changes.
 */
import { ref } from 'vue';

const query = typeof matchMedia === 'undefined' ? null : matchMedia('(prefers-color-scheme: dark)');

export const colourScheme = ref<'light' | 'dark'>(query?.matches ? 'dark' : 'light');
query?.addEventListener?.('change', (e) => { colourScheme.value = e.matches ? 'dark' : 'light'; });
