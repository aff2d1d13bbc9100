// Native notifications for what the core decided to announce (grouping and de-duplication happen in
// src/app/notification-planner.ts). Clicking one, or its "Open" button, opens the account's webmail
// link, or the window when there is none; "Mark as read" (IMAP accounts) sets \Seen on exactly the
// messages it announced — a group's button acts on the whole group — through the core, with the
// ids the core planned (nothing the page could name).
import { Notification } from 'electron';
import type { TFunction } from 'i18next';
import type { AppNotification } from '../src/app/app-core.js';

export interface NotificationText { title: string; body: string }

export function notificationText(notification: AppNotification, userOf: (url: string) => string, t: TFunction): NotificationText {
  switch (notification.kind) {
    case 'message':
      return { title: notification.from || t('notify.noSender'), body: notification.subject || t('notify.noSubject') };
    case 'group':
      return { title: t('notify.group', { count: notification.count }), body: t('notify.groupBody', { senders: notification.senders.join(', ') }) };
    case 'credentials-needed':
      return { title: t('notify.credentialsTitle'), body: t('notify.credentialsBody', { user: userOf(notification.accountUrl) }) };
  }
}

export interface NotificationDeps {
  t: TFunction;
  userOf: (url: string) => string;
  linkOf: (url: string) => string | undefined;
  openLink: (link: string) => Promise<void>;
  openWindow: () => void;
  /** Offered only where this is true (IMAP accounts). */
  canMarkRead?: (url: string) => boolean;
  markRead?: (notification: Exclude<AppNotification, { kind: 'credentials-needed' }>) => Promise<number>;
  /** A mark that failed is said in the log; the notification is gone by then. */
  onMarkFailed?: (error: unknown) => void;
}

type NotificationAction = 'open' | 'mark-read';

/** The buttons of a notification, in the order they are shown. */
export function notificationActions(notification: AppNotification, deps: Pick<NotificationDeps, 'canMarkRead' | 'markRead'>): NotificationAction[] {
  if (notification.kind === 'credentials-needed') return [];
  const markable = deps.markRead !== undefined && deps.canMarkRead?.(notification.accountUrl) === true;
  return markable ? ['mark-read', 'open'] : ['open'];
}

export function showNotification(notification: AppNotification, deps: NotificationDeps): void {
  if (!Notification.isSupported()) return;
  const actions = notificationActions(notification, deps);
  const native = new Notification({
    ...notificationText(notification, deps.userOf, deps.t),
    silent: false,
    actions: actions.map((action) => ({ type: 'button' as const, text: deps.t(action === 'open' ? 'notify.open' : 'notify.markRead') })),
  });
  const open = (): void => {
    const link = notification.kind === 'credentials-needed' ? undefined : deps.linkOf(notification.accountUrl);
    if (link) void deps.openLink(link).catch(() => deps.openWindow());
    else deps.openWindow();
  };
  native.on('click', open);
  native.on('action', (details: { actionIndex?: number } | undefined, index?: number) => {
    const action = actions[details?.actionIndex ?? index ?? -1];
    if (action === 'open') open();
    else if (action === 'mark-read' && notification.kind !== 'credentials-needed' && deps.markRead) {
      void deps.markRead(notification).catch((error: unknown) => deps.onMarkFailed?.(error));
    }
  });
  native.show();
}
