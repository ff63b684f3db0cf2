/*
 * Citizen assistant web chat widget.
 *
 * Plain browser JavaScript, no build step and no external resources. Talks to
 * the Rasa-compatible REST channel:
 *   POST /webhooks/rest/webhook  {"sender", "message", "message_id", "metadata": {"language"?}}
 *   (metadata.language only with typed text, and only once the citizen chose the
 *   interface language with the toggle: a button's payload, or a page that merely
 *   opened in Korean, never switches the conversation's language)
 *   -> [{"recipient_id", "text", "buttons"?, "custom"?: {"citations", "pending"?, ...}}]
 *   GET  /webhooks/rest/pending?sender=&after=<cursor>
 *   -> {"messages": [same shape], "cursor", "more"}   (proactive messages)
 *
 * Delivery: every message gets a random message id, kept for its retries. A
 * network error, a timeout or a 429/502/504 answer redelivers the SAME id
 * (bounded, with backoff), so the server runs the turn once. A holding reply
 * (custom.pending: the turn is slow) is shown, then the same id is redelivered
 * until the final answer comes back, without the citizen typing.
 *
 * Proactive messages (the MyData consent finished in another tab, benefit
 * alerts) are fetched from the pending route: when a returning session opens,
 * when the page becomes visible again, every few seconds after a link in a bot
 * message was opened, and otherwise with a backoff up to a couple of minutes
 * while the page is visible. The sender id is a random UUID kept in
 * sessionStorage (data-storage="local" on #chat keeps it in localStorage, so a
 * later visit from the same browser is a returning session): the pending route
 * is only as private as that id, like Rasa's REST channel.
 *
 * Server text is only ever inserted with textContent (never innerHTML), and
 * only absolute http(s) URLs become links.
 */
(function () {
  'use strict';

  var STRINGS = {
    ko: {
      title: '정부 서비스 도우미',
      placeholder: '궁금한 정부 서비스를 물어보세요',
      inputLabel: '질문 입력',
      send: '보내기',
      hint: 'Enter: 보내기 · Shift+Enter: 줄바꿈',
      toggleText: 'English',
      toggleLang: 'en',
      toggleLabel: 'Switch to English',
      welcome: '안녕하세요! 정부 서비스와 복지 혜택에 대해 물어보세요. 공식 안내 자료를 바탕으로 출처와 함께 답변해 드려요.',
      typing: '답변을 준비하고 있어요…',
      sources: '출처',
      updated: '{date} 수정',
      newWindow: '(새 창)',
      you: '나:',
      bot: '도우미:',
      choices: '선택지',
      choicesAnswered: '이미 답한 선택지',
      errorServer: '죄송해요, 요청을 처리하지 못했어요. 잠시 후 다시 시도해 주세요.',
      errorDetail: '죄송해요, 요청을 처리하지 못했어요: {detail}',
      errorNetwork: '서버에 연결하지 못했어요. 인터넷 연결을 확인하고 다시 시도해 주세요.',
      errorTimeout: '응답이 너무 오래 걸리고 있어요. 잠시 후 다시 시도해 주세요.',
      errorBadResponse: '서버 응답을 이해하지 못했어요. 잠시 후 다시 시도해 주세요.',
      noReply: '답변을 받지 못했어요. 질문을 바꿔서 다시 물어봐 주세요.',
      handoffWaiting: '상담원에게 전달했어요. 답변을 기다리고 있어요.',
      retrying: '연결이 불안정해요. 다시 보내는 중이에요…',
      count: '{n} / {max}자',
      countFull: '{max}자까지 보낼 수 있어요. 나눠서 보내 주세요.'
    },
    en: {
      title: 'Government services assistant',
      placeholder: 'Ask about a government service',
      inputLabel: 'Your question',
      send: 'Send',
      hint: 'Enter: send · Shift+Enter: new line',
      toggleText: '한국어',
      toggleLang: 'ko',
      toggleLabel: '한국어로 전환',
      welcome: 'Hello! Ask me about Korean public services and benefits. Answers are based on official service information, with sources.',
      typing: 'Preparing an answer…',
      sources: 'Sources',
      updated: 'updated {date}',
      newWindow: '(opens in a new tab)',
      you: 'You:',
      bot: 'Assistant:',
      choices: 'Options',
      choicesAnswered: 'Options already answered',
      errorServer: 'Sorry, something went wrong while handling your request. Please try again shortly.',
      errorDetail: 'Sorry, your request could not be handled: {detail}',
      errorNetwork: 'Could not reach the server. Please check your connection and try again.',
      errorTimeout: 'The answer is taking too long. Please try again shortly.',
      errorBadResponse: 'The server sent a response that could not be read. Please try again shortly.',
      noReply: 'No answer came back. Please try rephrasing your question.',
      handoffWaiting: 'Your message has been passed to a counsellor. Waiting for their reply.',
      retrying: 'The connection is unstable. Sending again…',
      count: '{n} / {max} characters',
      countFull: 'Messages can be up to {max} characters. Please send the rest separately.'
    }
  };

  var SENDER_KEY = 'assistant.sender';
  var CURSOR_KEY = 'assistant.cursor';
  var INFLIGHT_KEY = 'assistant.inflight';  // the message being delivered: a reload redelivers it (same id)
  var INFLIGHT_MAX_AGE_MS = 600000;
  var LANG_KEY = 'assistant.lang';  // the citizen's explicit choice with the toggle
  var REPLY_LANG_KEY = 'assistant.replyLang';  // the language of the assistant's latest reply
  // set while the conversation is with a person (the handoff reply, custom.response 'utter_handoff', and the
  // answers while nobody has picked up, HANDOFF_RESPONSES): once an agent has spoken the bot is silent (the webhook
  // answers []) until the conversation is resumed, so an empty reply is expected then
  var HANDOFF_KEY = 'assistant.handoff';
  // the assistant's replies while the conversation waits for a person (assistant/dialogue/handoff.py); any other
  // reply (utter_handoff_ended included) means the assistant has the conversation again
  var HANDOFF_RESPONSES = {utter_handoff: 1, utter_handoff_waiting: 1, utter_handoff_still_waiting: 1};
  var REQUEST_TIMEOUT_MS = 45000;    // one delivery attempt
  var TURN_DEADLINE_MS = 180000;     // a message, retries and holding follow-ups together
  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];  // network errors, timeouts, 429/502/504
  var FOLLOW_UP_DELAYS_MS = [1000, 2000, 3000, 5000];  // after a holding reply (last one repeats)
  var POLL_IDLE_MS = [5000, 10000, 20000, 40000, 80000, 120000];  // last one repeats
  var POLL_FAST_MS = 3000;           // while a link opened from the chat may finish something
  var POLL_FAST_FOR_MS = 600000;
  var RETRY_STATUS = { 429: true, 502: true, 504: true };
  // the counter under the text box shows from this share of the limit on (the limit is the text box's maxlength,
  // which the server sets from its max_message_chars setting: one source)
  var COUNT_FROM = 0.9;
  var DATE_RE = /^(\d{4}-\d{2}-\d{2})/;
  // RFC 3986 characters only, so Korean text right after a link is not part of it
  var URL_RE = /https?:\/\/[A-Za-z0-9\-._~:\/?#\[\]@!$&()*+,;=%]+/g;

  var root, log, form, input, sendButton, toggle, typing, counter;
  var lang = 'ko';
  var pending = false;
  var sender = null;
  var returning = false;
  var memoryStore = {};
  var useLocal = false;
  var poll = { timer: null, busy: false, idleStep: 0, fastUntil: 0, last: 0, stopped: false };

  // ---------------------------------------------------------------- storage

  function store() {
    return useLocal ? window.localStorage : window.sessionStorage;
  }

  function storageGet(key) {
    try {
      var value = store().getItem(key);
      if (value !== null) return value;
    } catch (e) { /* storage disabled: fall back to memory */ }
    return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : null;
  }

  function storageSet(key, value) {
    memoryStore[key] = value;
    try { store().setItem(key, value); } catch (e) { /* ignore */ }
  }

  function storageRemove(key) {
    delete memoryStore[key];
    try { store().removeItem(key); } catch (e) { /* ignore */ }
  }

  function randomId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    var bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') {
      c.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    var hex = '';
    for (var j = 0; j < bytes.length; j++) hex += (bytes[j] + 0x100).toString(16).slice(1);
    return hex;
  }

  function getSender() {
    if (sender) return sender;
    sender = storageGet(SENDER_KEY);
    returning = !!sender;
    if (!sender) {
      sender = 'web-' + randomId();
      storageSet(SENDER_KEY, sender);
    }
    return sender;
  }

  // ------------------------------------------------------------------- i18n

  function normaliseLang(value) {
    return value === 'en' ? 'en' : (value === 'ko' ? 'ko' : null);
  }

  /** The toggle's choice; else the conversation's (its latest reply's) language; else the browser's. */
  function defaultLang() {
    var stored = normaliseLang(storageGet(LANG_KEY)) || normaliseLang(storageGet(REPLY_LANG_KEY));
    if (stored) return stored;
    var nav = (navigator.language || navigator.userLanguage || '').toLowerCase();
    return nav.indexOf('en') === 0 ? 'en' : 'ko';
  }

  function t(key, args) {
    var table = STRINGS[lang] || STRINGS.ko;
    var text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : STRINGS.ko[key];
    if (text === undefined) return key;
    if (args) {
      text = text.replace(/\{(\w+)\}/g, function (m, name) {
        return Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : m;
      });
    }
    return text;
  }

  /** Create a text node/element whose text follows the UI language. */
  function localise(el, key, args) {
    el.setAttribute('data-i18n', key);
    if (args) el.setAttribute('data-i18n-args', JSON.stringify(args));
    el.textContent = t(key, args);
    return el;
  }

  function applyLanguage(next) {
    lang = normaliseLang(next) || 'ko';
    document.documentElement.lang = lang;
    document.title = t('title');

    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var args = null;
      var raw = node.getAttribute('data-i18n-args');
      if (raw) { try { args = JSON.parse(raw); } catch (e) { args = null; } }
      node.textContent = t(node.getAttribute('data-i18n'), args);
    }
    var placeholders = document.querySelectorAll('[data-i18n-placeholder]');
    for (var k = 0; k < placeholders.length; k++) {
      placeholders[k].setAttribute('placeholder', t(placeholders[k].getAttribute('data-i18n-placeholder')));
    }
    var labels = document.querySelectorAll('[data-i18n-aria-label]');
    for (var m = 0; m < labels.length; m++) {
      labels[m].setAttribute('aria-label', t(labels[m].getAttribute('data-i18n-aria-label')));
    }

    toggle.textContent = t('toggleText');
    toggle.setAttribute('lang', t('toggleLang'));
    toggle.setAttribute('aria-label', t('toggleLabel'));
  }

  // -------------------------------------------------------------- rendering

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  /** The hidden speaker label; with ``forLang`` it is in that language (the message's) and stays so. */
  function speaker(key, forLang) {
    var label = el('span', 'visually-hidden');
    if (forLang && STRINGS[forLang] && STRINGS[forLang][key] !== undefined) {
      label.textContent = STRINGS[forLang][key];
      label.setAttribute('lang', forLang);
    } else {
      localise(label, key);
    }
    return label;
  }

  function appendMessage(node) {
    log.appendChild(node);
    scrollToEnd();
    return node;
  }

  function addUserMessage(text) {
    var msg = el('div', 'msg user');
    msg.appendChild(speaker('you'));
    msg.appendChild(el('p', 'msg-text', text));
    return appendMessage(msg);
  }

  function addNotice(key, className) {
    var msg = el('div', 'msg ' + className);
    var p = el('p', 'msg-text');
    localise(p, key);
    msg.appendChild(p);
    return appendMessage(msg);
  }

  function addError(key, detail) {
    var msg = el('div', 'msg error');
    var p = el('p', 'msg-text');
    if (detail) {
      localise(p, 'errorDetail', { detail: detail });
    } else {
      localise(p, key);
    }
    msg.appendChild(p);
    return appendMessage(msg);
  }

  function safeHttpUrl(value) {
    if (typeof value !== 'string') return null;
    var trimmed = value.trim();
    if (!/^https?:\/\//i.test(trimmed)) return null;
    try {
      var parsed = new URL(trimmed);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
      return parsed.href;
    } catch (e) {
      return null;
    }
  }

  /** A paragraph of ``text`` whose absolute http(s) URLs are links (new tab); the rest stays text. */
  function linkedText(className, text) {
    var p = el('p', className);
    var last = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, '');
      var href = safeHttpUrl(raw);
      if (!href || !raw) continue;
      if (match.index > last) p.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = el('a', 'msg-link', raw);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener';
      var hint = el('span', 'visually-hidden');
      localise(hint, 'newWindow');
      a.appendChild(document.createTextNode(' '));
      a.appendChild(hint);
      p.appendChild(a);
      last = match.index + raw.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function asText(value) {
    if (value === undefined || value === null) return '';
    return String(value).trim();
  }

  function renderCitations(citations) {
    var seen = {};
    var items = [];
    for (var i = 0; i < citations.length; i++) {
      var c = citations[i];
      if (!c || typeof c !== 'object') continue;
      var key = asText(c.doc_id) + '\u0000' + asText(c.section) + '\u0000' + asText(c.url);
      if (seen[key]) continue;
      seen[key] = true;
      items.push(c);
    }
    if (!items.length) return null;

    var box = el('div', 'citations');
    var heading = el('p', 'citations-title');
    localise(heading, 'sources');
    var headingId = 'cite-h-' + randomId();
    heading.id = headingId;
    box.appendChild(heading);

    var list = el('ol', 'citations-list');
    list.setAttribute('aria-labelledby', headingId);
    for (var j = 0; j < items.length; j++) {
      var cite = items[j];
      var li = el('li', 'citation');
      var title = asText(cite.title) || asText(cite.url) || asText(cite.doc_id);
      var href = safeHttpUrl(cite.url);
      if (href) {
        var a = el('a', 'citation-link', title);
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener';
        var hint = el('span', 'visually-hidden');
        localise(hint, 'newWindow');
        a.appendChild(document.createTextNode(' '));
        a.appendChild(hint);
        li.appendChild(a);
      } else {
        li.appendChild(el('span', 'citation-title', title));
      }

      var metaParts = [];
      if (asText(cite.agency)) metaParts.push(el('span', 'citation-agency', asText(cite.agency)));
      if (asText(cite.section)) metaParts.push(el('span', 'citation-section', asText(cite.section)));
      var dateMatch = DATE_RE.exec(asText(cite.updated_at));
      if (dateMatch) {
        var updated = el('span', 'citation-updated');
        localise(updated, 'updated', { date: dateMatch[1] });
        metaParts.push(updated);
      }
      if (metaParts.length) {
        var meta = el('span', 'citation-meta');
        for (var k = 0; k < metaParts.length; k++) {
          if (k > 0) meta.appendChild(el('span', 'sep', ' · '));
          meta.appendChild(metaParts[k]);
        }
        li.appendChild(meta);
      }
      list.appendChild(li);
    }
    box.appendChild(list);
    return box;
  }

  function renderButtons(buttons) {
    var group = el('div', 'msg-buttons');
    group.setAttribute('role', 'group');
    group.setAttribute('data-i18n-aria-label', 'choices');
    group.setAttribute('aria-label', t('choices'));
    var count = 0;
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (!b || typeof b !== 'object') continue;
      var title = asText(b.title);
      var payload = typeof b.payload === 'string' && b.payload.trim() ? b.payload : title;
      if (!title && !payload) continue;
      var button = el('button', 'bot-button', title || payload);
      button.type = 'button';
      button.disabled = pending;
      (function (p, label, self) {
        self.addEventListener('click', function () {
          // an answered message's buttons stay readable but do nothing (aria-disabled keeps them focusable)
          if (self.getAttribute('aria-disabled') === 'true') return;
          if (send(p, label, true)) {
            self.classList.add('chosen');
            self.setAttribute('aria-pressed', 'true');
            retireButtons(group);
          }
        });
      })(payload, title || payload, button);
      group.appendChild(button);
      count++;
    }
    return count ? group : null;
  }

  /**
   * Retire the buttons of ``only`` (one message's group), or of every message on screen: a message's choices are
   * answered once one of them was clicked or a newer bot message came (clicking an old "아니요" would answer a
   * question no longer asked). They stay on screen and in the tab order, readable, with aria-disabled; a click does
   * nothing.
   */
  function retireButtons(only) {
    var groups = only ? [only] : log.querySelectorAll('.msg-buttons');
    for (var g = 0; g < groups.length; g++) {
      var group = groups[g];
      if (group.classList.contains('answered')) continue;
      group.classList.add('answered');
      group.setAttribute('data-i18n-aria-label', 'choicesAnswered');
      group.setAttribute('aria-label', t('choicesAnswered'));
      var buttons = group.querySelectorAll('.bot-button');
      for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-disabled', 'true');
    }
  }

  /**
   * The interface speaks the conversation's language once the assistant has answered (an English conversation in a
   * Korean browser gets English labels), unless the citizen chose a language with the toggle.
   */
  function followReplyLanguage(replyLang) {
    if (!replyLang) return;
    storageSet(REPLY_LANG_KEY, replyLang);
    if (normaliseLang(storageGet(LANG_KEY))) return;
    if (replyLang !== lang) applyLanguage(replyLang);
  }

  function addBotMessage(message, extraClass) {
    if (!message || typeof message !== 'object') return null;
    var custom = message.custom && typeof message.custom === 'object' ? message.custom : {};
    var text = typeof message.text === 'string' ? message.text : '';
    var citations = Array.isArray(custom.citations) ? custom.citations : [];
    var buttons = Array.isArray(message.buttons) ? message.buttons : [];
    if (!text && !citations.length && !buttons.length) return null;

    var msg = el('div', 'msg bot');
    if (custom.abstained === true) msg.classList.add('abstained');
    if (custom.pending === true) msg.classList.add('holding');
    if (extraClass) msg.classList.add(extraClass);
    var msgLang = normaliseLang(custom.language);
    followReplyLanguage(msgLang);
    msg.appendChild(speaker('bot', msgLang));
    if (text) {
      var body = linkedText('msg-text', text);
      if (msgLang) body.setAttribute('lang', msgLang);
      msg.appendChild(body);
    }
    if (buttons.length) {
      var group = renderButtons(buttons);
      if (group) msg.appendChild(group);
    }
    if (citations.length) {
      var box = renderCitations(citations);
      if (box) msg.appendChild(box);
    }
    return appendMessage(msg);
  }

  // ---------------------------------------------------------------- sending

  function setPending(value) {
    pending = value;
    sendButton.disabled = value;
    input.readOnly = value;
    if (value) {
      input.setAttribute('aria-disabled', 'true');
      form.setAttribute('aria-busy', 'true');
    } else {
      input.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
    typing.hidden = !value;
    var botButtons = log.querySelectorAll('.bot-button');
    for (var i = 0; i < botButtons.length; i++) botButtons[i].disabled = value;
    if (value) scrollToEnd();
  }

  function errorDetail(body) {
    if (!body || typeof body !== 'object') return '';
    var detail = body.detail;
    if (typeof detail === 'string') return detail.trim();
    if (Array.isArray(detail)) {
      // FastAPI validation errors: [{"msg": "..."}, ...]
      var parts = [];
      for (var i = 0; i < detail.length; i++) {
        if (detail[i] && typeof detail[i].msg === 'string') parts.push(detail[i].msg);
      }
      return parts.join('; ');
    }
    return '';
  }

  function readJson(response) {
    return response.text().then(function (raw) {
      if (!raw) return null;
      try { return JSON.parse(raw); } catch (e) { return undefined; }
    });
  }

  function isHolding(body) {
    for (var i = 0; i < body.length; i++) {
      var c = body[i] && body[i].custom;
      if (c && typeof c === 'object' && c.pending === true) return true;
    }
    return false;
  }

  function wait(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  /** One POST of ``payload``: resolves {status, body}, or rejects with 'timeout' / 'network'. */
  function post(endpoint, payload) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timedOut = false;
    var timer = window.setTimeout(function () {
      timedOut = true;
      if (controller) controller.abort();
    }, REQUEST_TIMEOUT_MS);
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(payload),
      signal: controller ? controller.signal : undefined,
      credentials: 'same-origin'
    }).then(function (response) {
      return readJson(response).then(function (body) {
        return { status: response.status, ok: response.ok, body: body };
      });
    }).then(function (result) {
      window.clearTimeout(timer);
      return result;
    }, function () {
      window.clearTimeout(timer);
      throw new Error(timedOut ? 'timeout' : 'network');
    });
  }

  /**
   * Deliver one message until its final answer: retries (same message id) on network errors, timeouts and
   * 429/502/504; shows a holding reply once and redelivers the same id until the answer replaces it.
   */
  function deliver(payload) {
    var endpoint = root.getAttribute('data-endpoint') || '/webhooks/rest/webhook';
    var started = Date.now();
    var retries = 0;
    var followUps = 0;
    var holdingShown = false;
    var holdingNodes = [];  // the holding reply on screen: the answer (or an error) replaces it
    var retryNotice = null;

    function dropHolding() {
      for (var k = 0; k < holdingNodes.length; k++) {
        if (holdingNodes[k].parentNode) holdingNodes[k].parentNode.removeChild(holdingNodes[k]);
      }
      holdingNodes = [];
    }

    function again(delays, n) {
      var delay = delays[Math.min(n, delays.length - 1)];
      if (Date.now() + delay - started > TURN_DEADLINE_MS) return null;
      return wait(delay).then(attempt);
    }

    function attempt() {
      return post(endpoint, payload).then(function (result) {
        if (retryNotice && retryNotice.parentNode) retryNotice.parentNode.removeChild(retryNotice);
        retryNotice = null;
        if (!result.ok) {
          if (RETRY_STATUS[result.status] && retries < RETRY_DELAYS_MS.length) {
            var later = again(RETRY_DELAYS_MS, retries++);
            if (later) return later;
          }
          dropHolding();
          addError('errorServer', errorDetail(result.body));
          return;
        }
        var body = result.body;
        if (!Array.isArray(body)) {
          dropHolding();
          addError('errorBadResponse');
          return;
        }
        if (isHolding(body)) {
          if (!holdingShown) {
            if (body.length) retireButtons(null);
            for (var h = 0; h < body.length; h++) {
              var node = addBotMessage(body[h]);
              if (node) holdingNodes.push(node);
            }
            holdingShown = true;
          }
          var next = again(FOLLOW_UP_DELAYS_MS, followUps++);
          if (next) return next;
          dropHolding();
          addError('errorTimeout');
          return;
        }
        dropHolding();
        if (body.length) retireButtons(null);
        var shown = 0;
        for (var i = 0; i < body.length; i++) {
          if (addBotMessage(body[i])) {
            shown++;
            var c = body[i].custom;
            // the handoff, or an answer while waiting for the person: still with a person
            if (c && HANDOFF_RESPONSES.hasOwnProperty(c.response)) storageSet(HANDOFF_KEY, '1');
            else storageRemove(HANDOFF_KEY);  // the assistant speaks again: the conversation was resumed
          }
        }
        if (!shown && storageGet(HANDOFF_KEY)) addNotice('handoffWaiting', 'notice handoff');
        else if (!shown) addNotice('noReply', 'notice');
      }, function (err) {
        if (retries < RETRY_DELAYS_MS.length) {
          if (!retryNotice) retryNotice = addNotice('retrying', 'notice retrying');
          var later = again(RETRY_DELAYS_MS, retries++);
          if (later) return later;
        }
        if (retryNotice && retryNotice.parentNode) retryNotice.parentNode.removeChild(retryNotice);
        dropHolding();
        addError(err && err.message === 'timeout' ? 'errorTimeout' : 'errorNetwork');
      });
    }

    return attempt();
  }

  /**
   * Send ``message`` (``fromButton``: a button's payload). The interface language goes along as
   * metadata.language only with typed text and only when the citizen chose it with the toggle: the server
   * keeps the conversation's language otherwise (a payload such as "/deny" has no language of its own).
   */
  function send(message, displayText, fromButton) {
    if (pending) return false;
    if (typeof message !== 'string' || !message.trim()) return false;
    var text = message.trim();
    var shown = displayText && displayText.trim() ? displayText.trim() : text;
    var metadata = {};
    if (!fromButton && normaliseLang(storageGet(LANG_KEY))) metadata.language = lang;
    var payload = { sender: getSender(), message: text, message_id: 'm-' + randomId(), metadata: metadata };
    start(payload, shown);
    return true;
  }

  function start(payload, shown) {
    addUserMessage(shown);
    setPending(true);
    storageSet(INFLIGHT_KEY, JSON.stringify({ payload: payload, shown: shown, at: Date.now() }));
    deliver(payload).catch(function () {
      addError('errorServer');
    }).then(function () {
      storageRemove(INFLIGHT_KEY);
      setPending(false);
      input.focus();
      schedulePoll(0);  // activity: restart the idle backoff
    });
  }

  /** A message whose answer had not come when the page was left (reload, holding reply): deliver it again. */
  function resumeInflight() {
    var raw = storageGet(INFLIGHT_KEY);
    if (!raw) return;
    storageRemove(INFLIGHT_KEY);
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return; }
    if (!saved || typeof saved !== 'object' || !saved.payload || typeof saved.payload.message_id !== 'string') return;
    if (saved.payload.sender !== getSender() || !(Date.now() - saved.at < INFLIGHT_MAX_AGE_MS)) return;
    start(saved.payload, String(saved.shown || saved.payload.message));
  }

  // ---------------------------------------------------------- proactive

  /** Fetch proactive messages once (and at once again while the server says there are more). */
  function fetchPending() {
    if (poll.busy || poll.stopped) return Promise.resolve();
    poll.busy = true;
    poll.last = Date.now();
    var endpoint = root.getAttribute('data-pending-endpoint') || '/webhooks/rest/pending';
    var cursor = storageGet(CURSOR_KEY) || '';
    var url = endpoint + '?sender=' + encodeURIComponent(getSender()) + '&after=' + encodeURIComponent(cursor);
    var more = false;
    return fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.status === 404) { poll.stopped = true; return null; }  // no proactive messages here
        return response.ok ? readJson(response) : null;
      }).then(function (body) {
        if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) return;
        var shown = 0;
        if (body.messages.length) retireButtons(null);
        for (var i = 0; i < body.messages.length; i++) {
          if (addBotMessage(body.messages[i], 'proactive')) shown++;
        }
        // remembered only after they are on screen: the next fetch acknowledges them
        if (typeof body.cursor === 'string' && body.cursor) storageSet(CURSOR_KEY, body.cursor);
        if (shown) poll.idleStep = 0;
        more = body.more === true;
      }).catch(function () { /* offline: the next poll tries again */ })
      .then(function () {
        poll.busy = false;
        if (more) return fetchPending();
      });
  }

  function nextPollDelay() {
    if (Date.now() < poll.fastUntil) return POLL_FAST_MS;
    var delay = POLL_IDLE_MS[Math.min(poll.idleStep, POLL_IDLE_MS.length - 1)];
    poll.idleStep++;
    return delay;
  }

  /** Poll after ``delay`` ms (or the backoff's next delay when ``delay`` is undefined); one timer at a time. */
  function schedulePoll(delay) {
    if (poll.stopped) return;
    if (poll.timer) window.clearTimeout(poll.timer);
    if (delay === 0) poll.idleStep = 0;
    var ms = delay === undefined || delay === 0 ? nextPollDelay() : delay;
    poll.timer = window.setTimeout(function () {
      poll.timer = null;
      if (document.visibilityState === 'hidden') { schedulePoll(); return; }
      fetchPending().then(function () { schedulePoll(); });
    }, ms);
  }

  function pollNow() {
    if (Date.now() - poll.last < 1000) return;  // focus and visibilitychange come together
    if (poll.timer) window.clearTimeout(poll.timer);
    poll.timer = null;
    fetchPending().then(function () { schedulePoll(); });
  }

  function submitInput() {
    if (pending) return;
    var value = input.value;
    if (!value.trim()) {
      input.value = '';
      autosize();
      input.focus();
      return;
    }
    if (send(value)) {
      input.value = '';
      autosize();
      updateCount();
    }
  }

  /** The character counter near the limit (the text box's maxlength, from the server's setting). */
  function updateCount() {
    if (!counter) return;
    var max = input.maxLength;
    var n = input.value.length;
    if (!(max > 0) || n < Math.floor(max * COUNT_FROM)) {
      counter.hidden = true;
      counter.removeAttribute('data-i18n');
      counter.textContent = '';
      return;
    }
    counter.hidden = false;
    counter.classList.toggle('full', n >= max);
    var fmt = function (x) { return x.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US'); };
    localise(counter, n >= max ? 'countFull' : 'count', { n: fmt(n), max: fmt(max) });
  }

  function autosize() {
    input.style.height = 'auto';
    var max = 160;
    input.style.height = Math.min(input.scrollHeight, max) + 'px';
    input.style.overflowY = input.scrollHeight > max ? 'auto' : 'hidden';
  }

  // ------------------------------------------------------------------- init

  function init() {
    root = document.getElementById('chat');
    log = document.getElementById('chat-log');
    form = document.getElementById('chat-form');
    input = document.getElementById('chat-input');
    sendButton = document.getElementById('chat-send');
    toggle = document.getElementById('lang-toggle');
    typing = document.getElementById('chat-typing');
    counter = document.getElementById('chat-count');
    if (!root || !log || !form || !input || !sendButton || !toggle || !typing) return;

    useLocal = root.getAttribute('data-storage') === 'local';
    getSender();
    applyLanguage(defaultLang());

    var welcome = el('div', 'msg welcome');
    var p = el('p', 'msg-text');
    localise(p, 'welcome');
    welcome.appendChild(p);
    log.appendChild(welcome);

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      submitInput();
    });

    input.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') return;
      // Never send while an IME (Korean input) is composing a syllable.
      if (event.isComposing || event.keyCode === 229) return;
      if (event.shiftKey) return; // newline
      event.preventDefault();
      submitInput();
    });

    input.addEventListener('input', autosize);
    input.addEventListener('input', updateCount);

    toggle.addEventListener('click', function () {
      var next = lang === 'ko' ? 'en' : 'ko';
      storageSet(LANG_KEY, next);
      applyLanguage(next);
      updateCount();  // the numbers' format follows the language
    });

    // A link opened from a bot message (the MyData consent step) may continue the conversation: poll faster.
    function linkOpened(event) {
      var target = event.target;
      while (target && target !== log && !(target.classList && target.classList.contains('msg-link'))) {
        target = target.parentNode;
      }
      if (!target || target === log) return;
      poll.fastUntil = Date.now() + POLL_FAST_FOR_MS;
      schedulePoll(POLL_FAST_MS);
    }
    log.addEventListener('click', linkOpened);
    log.addEventListener('auxclick', linkOpened);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') pollNow();
    });
    window.addEventListener('focus', pollNow);

    autosize();
    input.focus();
    root.setAttribute('data-ready', 'true');
    if (returning) {
      resumeInflight();
      pollNow();  // a returning session: what waited for it (alerts, a finished consent) shows at once
    } else {
      schedulePoll();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
