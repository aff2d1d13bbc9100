import { beforeEach, describe, expect, it } from 'vitest';
import { AnnouncedMessages, planNotifications } from '../../src/app/notification-planner.js';
import { DEFAULT_APP_SETTINGS } from '../../src/settings/settings-store.js';
import { notificationText, showNotification } from '../../main/notifications.js';
import { createTexts } from '../../main/texts.js';
import { calls, resetElectronMock } from './electron-mock.js';

const mail = (id: string, from = `Sender ${id}`) => ({ id, from, subject: `Subject ${id}`, date: null });
const noon = new Date(2026, 10, 22, 12, 0);

describe('notifications', () => {
  beforeEach(resetElectronMock);

  it('one per message for a few, one grouped for many, never twice for the same message', () => {
    const announced = new AnnouncedMessages();
    const options = { settings: DEFAULT_APP_SETTINGS, now: noon, announced };
    expect(planNotifications('acct', [mail('1'), mail('2')], options).map((n) => n.kind)).toEqual(['message', 'message']);
    expect(planNotifications('acct', [mail('1'), mail('2')], options)).toEqual([]);
    const burst = Array.from({ length: 12 }, (_, i) => mail(String(100 + i), i % 2 ? 'Ann' : 'Bob'));
    expect(planNotifications('acct', burst, options)).toEqual([{ kind: 'group', accountUrl: 'acct', count: 12, senders: ['Bob', 'Ann'], messageIds: burst.map((m) => m.id) }]);
    // The same message id on another account is another message.
    expect(planNotifications('other', [mail('1')], options)).toHaveLength(1);
  });

  it('stays quiet during quiet hours (also across midnight) and when switched off, without a burst later', () => {
    const announced = new AnnouncedMessages();
    const quiet = { ...DEFAULT_APP_SETTINGS, quietHours: { start: '22:00', end: '07:00' } };
    expect(planNotifications('a', [mail('1')], { settings: quiet, now: new Date(2026, 10, 22, 23, 30), announced })).toEqual([]);
    expect(planNotifications('a', [mail('2')], { settings: quiet, now: new Date(2026, 10, 22, 6, 59), announced })).toEqual([]);
    expect(planNotifications('a', [mail('1'), mail('2')], { settings: quiet, now: noon, announced })).toEqual([]);
    expect(planNotifications('a', [mail('3')], { settings: quiet, now: noon, announced })).toHaveLength(1);
    expect(planNotifications('a', [mail('4')], { settings: { ...DEFAULT_APP_SETTINGS, notifications: false }, now: noon, announced })).toEqual([]);
  });

  it('texts in both languages', async () => {
    const en = await createTexts('en', 'x');
    const zh = await createTexts('system', 'zh-CN');
    const userOf = () => 'alice';
    expect(notificationText({ kind: 'group', accountUrl: 'a', count: 12, senders: ['Ann', 'Bob'], messageIds: [] }, userOf, en))
      .toEqual({ title: '12 new messages', body: 'From Ann, Bob' });
    expect(notificationText({ kind: 'group', accountUrl: 'a', count: 12, senders: ['Ann'], messageIds: [] }, userOf, zh).title).toBe('12 封新邮件');
    expect(notificationText({ kind: 'message', accountUrl: 'a', messageId: '1', from: '', subject: '' }, userOf, en))
      .toEqual({ title: '(unknown sender)', body: '(no subject)' });
    expect(notificationText({ kind: 'credentials-needed', accountUrl: 'a' }, userOf, zh).body).toBe('alice：已保存的密码不再被接受。');
  });

  it('a click opens the account\'s webmail link, or the window when it has none', async () => {
    const t = await createTexts('en', 'x');
    const opened: string[] = [];
    let windows = 0;
    const deps = {
      t, userOf: () => 'alice', openLink: async (link: string) => { opened.push(link); }, openWindow: () => { windows += 1; },
    };
    showNotification({ kind: 'message', accountUrl: 'a', messageId: '1', from: 'Ann', subject: 'Hi' }, { ...deps, linkOf: () => 'https://mail.example.com' });
    showNotification({ kind: 'message', accountUrl: 'b', messageId: '2', from: 'Bob', subject: 'Yo' }, { ...deps, linkOf: () => undefined });
    expect(calls.notifications.map((n) => [n.options.title, n.shown])).toEqual([['Ann', true], ['Bob', true]]);
    for (const notification of calls.notifications) notification.emit('click');
    expect(opened).toEqual(['https://mail.example.com']);
    expect(windows).toBe(1);
  });

  it('"Mark as read" (IMAP only) marks exactly what the notification announced, a group as a whole; "Open" opens the link', async () => {
    const t = await createTexts('en', 'x');
    const zh = await createTexts('system', 'zh-CN');
    const marked: unknown[] = [];
    const opened: string[] = [];
    const failures: unknown[] = [];
    const deps = {
      t, userOf: () => 'alice', linkOf: () => 'https://mail.example.com', openLink: async (link: string) => { opened.push(link); }, openWindow: () => undefined,
      canMarkRead: (url: string) => url.startsWith('imap'),
      markRead: async (notification: unknown) => { marked.push(notification); if (marked.length === 3) throw new Error('server gone'); return 1; },
      onMarkFailed: (error: unknown) => { failures.push(error); },
    };
    const one = { kind: 'message' as const, accountUrl: 'imaps://a', messageId: '7:42', from: 'Ann', subject: 'Hi' };
    const group = { kind: 'group' as const, accountUrl: 'imaps://a', count: 5, senders: ['Ann'], messageIds: ['7:1', '7:2', '7:3', '7:4', '7:5'] };
    showNotification(one, deps);
    showNotification(group, deps);
    showNotification({ kind: 'message', accountUrl: 'pop3s://b', messageId: 'u1', from: 'Bob', subject: 'Yo' }, deps);
    showNotification({ kind: 'credentials-needed', accountUrl: 'imaps://a' }, deps);
    showNotification(one, { ...deps, t: zh });
    const [single, grouped, pop3, question, chinese] = calls.notifications;
    expect(single!.options.actions).toEqual([{ type: 'button', text: 'Mark as read' }, { type: 'button', text: 'Open' }]);
    expect(chinese!.options.actions?.map((action) => action.text)).toEqual(['标记为已读', '打开']);
    expect(pop3!.options.actions).toEqual([{ type: 'button', text: 'Open' }]);
    expect(question!.options.actions).toEqual([]);

    single!.emit('action', { actionIndex: 0 }, 0);
    grouped!.emit('action', { actionIndex: 0 }, 0);
    expect(marked).toEqual([one, group]);
    single!.emit('action', { actionIndex: 1 }, 1);
    expect(opened).toEqual(['https://mail.example.com']);
    // A POP3 notification's only button is "Open"; an index it does not have does nothing.
    pop3!.emit('action', { actionIndex: 0 }, 0);
    pop3!.emit('action', { actionIndex: 5 }, 5);
    expect(opened).toHaveLength(2);
    expect(marked).toHaveLength(2);
    // A mark that fails is reported, not thrown into the event loop.
    chinese!.emit('action', { actionIndex: 0 }, 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toHaveLength(1);
  });
});
