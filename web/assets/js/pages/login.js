// Sign in, and first-user setup on an empty database.

import { get, post, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../widgets.js';

// Only same-site paths are followed after sign-in.
function safeRedirect(v) {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') && !v.startsWith('/login') ? v : '/';
}

async function firstUserExists() {
  try {
    await get('/users/first', { quiet401: true });
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

function field(id, label, attrs) {
  return h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    h('input', { id, name: id, ...attrs }));
}

function card(title, subtitle, form) {
  return h('div', { class: 'auth-wrap' },
    h('section', { class: 'auth-card', 'aria-labelledby': 'auth-title' },
      h('div', { class: 'auth-brand', 'aria-hidden': 'true', text: '</>' }),
      h('h1', { id: 'auth-title', text: title }),
      h('p', { class: 'muted', text: subtitle }),
      form));
}

export async function loginPage(ctx) {
  const redirect = safeRedirect(new URLSearchParams(location.search).get('redirect'));
  if (ctx.session.me) return ctx.redirect(redirect);
  if (!(await firstUserExists())) return ctx.redirect('/setup');
  if (!ctx.alive()) return;
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', text: 'Sign in' });
  const form = h('form', { class: 'form', novalidate: true },
    field('email', 'Email', { type: 'email', autocomplete: 'username', required: true, autofocus: true }),
    field('password', 'Password', { type: 'password', autocomplete: 'current-password', required: true }),
    errors, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    replace(errors);
    try {
      await post('/users/login', { email: form.email.value.trim(), password: form.password.value }, { quiet401: true });
      await ctx.refreshSession();
      ctx.navigate(redirect, { replace: true });
    } catch (err) {
      replace(errors, errorBox(err));
      submit.disabled = false;
      form.password.focus();
    }
  });
  replace(ctx.main, card('Sign in to coderlite', 'Use your email and password.', form));
  form.email.focus();
}

export async function setupPage(ctx) {
  if (await firstUserExists()) return ctx.redirect(ctx.session.me ? '/' : '/login');
  if (!ctx.alive()) return;
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', text: 'Create account' });
  const form = h('form', { class: 'form', novalidate: true },
    field('email', 'Email', { type: 'email', autocomplete: 'email', required: true }),
    field('username', 'Username', { type: 'text', autocomplete: 'username', required: true }),
    field('name', 'Full name (optional)', { type: 'text', autocomplete: 'name' }),
    field('password', 'Password', { type: 'password', autocomplete: 'new-password', required: true }),
    errors, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    replace(errors);
    const email = form.email.value.trim();
    const password = form.password.value;
    try {
      await post('/users/first', { email, username: form.username.value.trim(), name: form.name.value.trim(), password });
      await post('/users/login', { email, password }, { quiet401: true });
      await ctx.refreshSession();
      ctx.navigate('/', { replace: true });
    } catch (err) {
      replace(errors, errorBox(err));
      submit.disabled = false;
    }
  });
  replace(ctx.main, card('Welcome to coderlite', 'Create the first user. It becomes the owner of this deployment.', form));
  form.email.focus();
}
