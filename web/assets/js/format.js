// Formatting helpers: dates, relative times, durations, user agents, enum labels.

export function parseTime(s) {
  if (!s) return null;
  const d = new Date(s);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1971) return null;
  return d;
}

export function dayLabel(d) {
  return d.toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function timeLabel(d) {
  return d.toLocaleTimeString();
}

export function relative(d, now = new Date()) {
  if (!d) return 'Never';
  const s = Math.round((now - d) / 1000);
  if (s < 60) return 'just now';
  const units = [
    ['year', 31536000],
    ['month', 2592000],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [name, secs] of units) {
    const n = Math.floor(s / secs);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

// A length of time in its two largest units: "1h 5m", "3d 2h", "45s".
export function duration(ms) {
  let s = Math.max(0, Math.floor(ms / 1000));
  const parts = [];
  for (const [unit, secs] of [['d', 86400], ['h', 3600], ['m', 60]]) {
    if (s >= secs) {
      parts.push(`${Math.floor(s / secs)}${unit}`);
      s %= secs;
    }
  }
  if (s || !parts.length) parts.push(`${s}s`);
  return parts.slice(0, 2).join(' ');
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : '';
}

// "workspace_build" → "Workspace Build", with Coder's custom labels.
const CUSTOM_LABELS = {
  api_key: 'API Key',
  git_ssh_key: 'Git SSH Key',
  template_version: 'Template Version',
  workspace_build: 'Workspace Build',
  oauth2_provider_app: 'OAuth2 Provider App',
  oauth2_provider_app_secret: 'OAuth2 Provider App Secret',
  ai_seat: 'AI Seat',
  request_password_reset: 'Request Password Reset',
};
export function enumLabel(v) {
  return CUSTOM_LABELS[v] || v.split('_').map(capitalize).join(' ');
}

export function number(n) {
  return Number(n || 0).toLocaleString('en-US');
}

// A small user-agent parser: browser name + version, and operating system.
export function parseUserAgent(ua) {
  if (!ua) return { browser: '', os: '' };
  let browser = '';
  let m;
  if ((m = ua.match(/Edg(?:e|A|iOS)?\/([\d.]+)/))) browser = `Edge ${m[1]}`;
  else if ((m = ua.match(/OPR\/([\d.]+)/))) browser = `Opera ${m[1]}`;
  else if ((m = ua.match(/(?:Firefox|FxiOS)\/([\d.]+)/))) browser = `Firefox ${m[1]}`;
  else if ((m = ua.match(/HeadlessChrome\/([\d.]+)/))) browser = `Chrome Headless ${m[1]}`;
  else if ((m = ua.match(/(?:Chrome|Chromium|CriOS)\/([\d.]+)/))) browser = `Chrome ${m[1]}`;
  else if ((m = ua.match(/Version\/([\d.]+).*Safari\//))) browser = `Safari ${m[1]}`;
  else if ((m = ua.match(/^([A-Za-z][\w.-]*)\/([\w.+-]+)/))) browser = `${m[1]} ${m[2]}`;
  else browser = ua.slice(0, 40);
  let os = '';
  if ((m = ua.match(/Windows NT ([\d.]+)/))) os = `Windows ${({ '10.0': '10', '6.3': '8.1', '6.2': '8', '6.1': '7' })[m[1]] || m[1]}`;
  else if ((m = ua.match(/(?:iPhone|CPU) OS ([\d_]+)/))) os = `iOS ${m[1].replace(/_/g, '.')}`;
  else if ((m = ua.match(/Mac OS X ([\d_.]+)/))) os = `macOS ${m[1].replace(/_/g, '.')}`;
  else if ((m = ua.match(/Android ([\d.]+)/))) os = `Android ${m[1]}`;
  else if (/CrOS/.test(ua)) os = 'Chrome OS';
  else if (/Linux/.test(ua)) os = 'Linux';
  else if (/Darwin/.test(ua)) os = 'macOS';
  return { browser, os };
}
