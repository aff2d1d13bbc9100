// Native notifications for what the core decided to announce (grouping and de-duplication happen in
// src/app/notification-planner.ts). Clicking one opens the account's mail client or webmail link,
// or the window when there is none.
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

export function showNotification(
  notification: AppNotification,
  deps: { t: TFunction; userOf: (url: string) => string; linkOf: (url: string) => string | undefined; openLink: (link: string) => Promise<void>; openWindow: () => void },
): void {
  if (!Notification.isSupported()) return;
  const native = new Notification({ ...notificationText(notification, deps.userOf, deps.t), silent: false });
  native.on('click', () => {
    const link = notification.kind === 'credentials-needed' ? undefined : deps.linkOf(notification.accountUrl);
    if (link) void deps.openLink(link).catch(() => deps.openWindow());
    else deps.openWindow();
  });
  native.show();
}
