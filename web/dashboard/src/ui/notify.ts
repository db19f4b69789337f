import { notifications } from '@mantine/notifications';

/** A short confirmation in the corner; its close button gets a name (Mantine's has none, which axe flags). */
export function notify(message: string, color = 'teal') {
  notifications.show({ message, color, autoClose: 3000, closeButtonProps: { 'aria-label': 'Dismiss' } });
}
