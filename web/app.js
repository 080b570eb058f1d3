// Job dashboard: sign in (local dev issuer), pick a job, upload photos straight to S3 with a
// presigned POST (progress, retries on a weak connection), and watch them become thumbnails.
const $ = (id) => document.getElementById(id);
const state = {
  token: null,
  user: null,
  jobs: [],
  job: null,
  cursor: null,
  refresh: null,
  pagedFurther: false,
};

const MAX_ATTEMPTS = 5;

async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok)
    throw Object.assign(new Error(body?.error?.message ?? `HTTP ${res.status}`), {
      status: res.status,
      code: body?.error?.code,
    });
  return body;
}

async function init() {
  const info = await api('/dev/info');
  state.jobs = info.jobs;
  for (const u of info.users) $('user').append(new Option(`${u.sub} (${u.role})`, JSON.stringify(u)));
  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(JSON.parse($('user').value)).catch(showError);
  });
  $('file').addEventListener('change', () => {
    const files = [...$('file').files];
    $('file').value = '';
    deviceLocation().then((gps) => Promise.all(files.map((f) => uploadOne(f, gps))));
  });
  $('more').addEventListener('click', () => loadPhotos(true).catch(showError));
}

async function signIn(user) {
  const { token } = await api('/dev/token', {
    method: 'POST',
    body: JSON.stringify({ sub: user.sub, role: user.role }),
  });
  clearInterval(state.refresh);
  state.job = null;
  $('drawer').hidden = true;
  state.token = token;
  state.user = user;
  $('whoami').textContent = `Signed in as ${user.sub}`;
  renderJobs();
}

function renderJobs() {
  const list = $('job-list');
  list.replaceChildren();
  const visible = state.jobs.filter(
    (j) =>
      state.user.role === 'admin' || j.customer_id === state.user.sub || j.crew_ids.includes(state.user.sub),
  );
  for (const job of visible) {
    const button = document.createElement('button');
    button.textContent = `${job.job_id} — ${job.address}`;
    button.addEventListener('click', () => openJob(job, button));
    const li = document.createElement('li');
    li.append(button);
    list.append(li);
  }
  if (!visible.length) list.textContent = 'No jobs for this user.';
}

function openJob(job, button) {
  for (const b of document.querySelectorAll('#job-list button')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  state.job = job;
  $('drawer').hidden = false;
  $('job-title').textContent = job.job_id;
  $('job-address').textContent = job.address;
  $('capture').hidden = !(state.user.role === 'admin' || job.crew_ids.includes(state.user.sub));
  $('uploads').replaceChildren();
  loadPhotos(false).catch(showError);
  clearInterval(state.refresh);
  // Refresh the first page while nobody has paged further (a refresh would drop later pages).
  state.refresh = setInterval(() => {
    if (!state.pagedFurther) loadPhotos(false).catch(() => {});
  }, 3000);
}

async function loadPhotos(more) {
  const job = state.job;
  const query = new URLSearchParams({ job_id: job.job_id });
  if (more && state.cursor) query.set('cursor', state.cursor);
  const page = await api(`/list-photos?${query}`);
  if (state.job !== job) return;
  if (!more) $('photos').replaceChildren();
  state.pagedFurther = more;
  for (const p of page.photos) $('photos').append(photoCard(p));
  state.cursor = page.next_cursor;
  $('more').hidden = !page.next_cursor;
  $('photos-empty').hidden = $('photos').children.length > 0;
}

function photoCard(p) {
  const li = document.createElement('li');
  li.dataset.photoId = p.photo_id;
  li.dataset.status = p.status;
  if (p.thumbnails) {
    const img = document.createElement('img');
    img.src = p.thumbnails.small;
    img.alt = `Photo ${p.photo_id}`;
    img.addEventListener('click', () => window.open(p.thumbnails.large, '_blank', 'noopener'));
    li.append(img);
  } else {
    const ph = document.createElement('div');
    ph.className = 'placeholder';
    ph.textContent = p.reason ?? p.status;
    li.append(ph);
  }
  const meta = document.createElement('div');
  meta.className = 'meta';
  const status = document.createElement('strong');
  status.className = `status-${p.status}`;
  status.textContent = p.status;
  meta.append(status);
  if (p.taken_at) meta.append(` · taken ${new Date(p.taken_at).toLocaleString()}`);
  if (p.gps) meta.append(` · GPS (${p.gps.source})`);
  if (p.far_from_site) {
    const far = document.createElement('div');
    far.className = 'far';
    far.textContent = 'Far from the job site';
    meta.append(far);
  }
  li.append(meta);
  return li;
}

function deviceLocation() {
  if (!navigator.geolocation) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (pos) =>
        resolve({
          lat: pos.coords.latitude,
          lon: pos.coords.longitude,
          accuracy_m: Math.round(pos.coords.accuracy),
        }),
      () => resolve(undefined),
      { timeout: 5000, maximumAge: 60_000 },
    ),
  );
}

// One photo: ask for a presigned POST, send it with progress, retry transient failures with
// backoff, and ask for a fresh URL if the old one expired while the phone was offline.
async function uploadOne(file, gps) {
  const row = uploadRow(file.name);
  const contentType = file.type || guessType(file.name);
  let grant = null;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      if (!grant || Date.parse(grant.expires_at) - Date.now() < 30_000) {
        grant = await api('/upload-url', {
          method: 'POST',
          body: JSON.stringify({
            job_id: state.job.job_id,
            filename: file.name,
            content_type: contentType,
            size: file.size,
            ...(gps ? { gps } : {}),
          }),
        });
      }
      await postToS3(grant, file, contentType, (sent) => row.progress(sent / file.size));
      row.done('uploaded');
      loadPhotos(false).catch(() => {});
      return;
    } catch (error) {
      const permanent = error.status && error.status < 500 && error.status !== 429 && !error.expired;
      if (error.expired) grant = null;
      if (permanent || attempt === MAX_ATTEMPTS) return row.fail(error.message);
      row.retrying(attempt, error.message);
      await new Promise((r) =>
        setTimeout(r, Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.5 + Math.random())),
      );
    }
  }
}

function postToS3(grant, file, contentType, onProgress) {
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.set('Content-Type', contentType);
  form.append('file', file); // S3 requires the file last.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', grant.url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1];
      const message =
        /<Message>([^<]+)<\/Message>/.exec(xhr.responseText)?.[1] ?? `S3 answered ${xhr.status}`;
      reject(
        Object.assign(new Error(friendly(code, message)), {
          status: xhr.status,
          expired: /expired/i.test(message),
        }),
      );
    };
    xhr.onerror = () => reject(new Error('Network problem; will retry'));
    xhr.ontimeout = () => reject(new Error('Upload timed out; will retry'));
    xhr.timeout = 10 * 60_000;
    xhr.send(form);
  });
}

function friendly(code, message) {
  if (code === 'EntityTooLarge') return 'This photo is larger than the upload limit.';
  if (code === 'EntityTooSmall') return 'This file is empty.';
  return message;
}

function guessType(name) {
  const ext = name.split('.').pop()?.toLowerCase();
  return (
    {
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      png: 'image/png',
      webp: 'image/webp',
      heic: 'image/heic',
      heif: 'image/heif',
    }[ext] ?? 'application/octet-stream'
  );
}

function uploadRow(name) {
  const li = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = name;
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  li.append(label, bar);
  $('uploads').prepend(li);
  return {
    progress: (f) => {
      bar.value = f;
    },
    retrying: (n, why) => {
      label.textContent = `${name} — retry ${n} (${why})`;
    },
    done: (text) => {
      bar.value = 1;
      label.textContent = `${name} — ${text}`;
      li.dataset.state = 'done';
    },
    fail: (why) => {
      li.className = 'error';
      label.textContent = `${name} — ${why}`;
      li.dataset.state = 'failed';
    },
  };
}

function showError(error) {
  $('whoami').textContent = error.message;
}

init().catch(showError);
