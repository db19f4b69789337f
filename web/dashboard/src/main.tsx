import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { type CSSVariablesResolver, createTheme, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api/client';
import { USER_KEY } from './auth/session';
import { Gate } from './Gate';
import { InvitePage } from './pages';
import { Loading } from './ui/QueryState';

// Shades chosen for WCAG AA contrast (axe runs on every screen in e2e/): Mantine's default indigo 6 under white
// text and its dimmed grey on white are both just under 4.5:1.
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  // Mantine's close button is an icon without a name.
  components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }) },
});
// The "light" variant (alerts, badges, the active nav entry) draws text in shade 9 on a tint; orange's and yellow's
// 9 are too pale for it, and teal's and indigo's (hovered) need paler tints.
const LIGHT_TEXT = {
  '--mantine-color-orange-light-color': 'var(--mantine-color-black)',
  '--mantine-color-yellow-light-color': 'var(--mantine-color-black)',
  '--mantine-color-teal-light': 'var(--mantine-color-teal-0)',
  // The active navigation entry under the pointer: indigo 9 text on the default hover tint (indigo 2) is 4.1:1.
  '--mantine-color-indigo-light-hover': 'var(--mantine-color-indigo-1)',
};
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  // --parley-danger-text: a failure's reason in small type, readable on either background.
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--parley-danger-text': 'var(--mantine-color-red-9)', ...LIGHT_TEXT },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)', '--parley-danger-text': 'var(--mantine-color-red-3)' },
});

const queryClient: QueryClient = new QueryClient({
  // A session that expired or was revoked elsewhere: any 401 sends the app back to sign-in.
  queryCache: new QueryCache({
    onError: (e) => {
      if (e instanceof ApiError && e.status === 401) queryClient.setQueryData(USER_KEY, null);
    },
  }),
  defaultOptions: {
    // A refusal or a missing record does not get better by asking again.
    queries: { retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2, refetchOnWindowFocus: false },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="auto">
      {/* Bottom left and as wide as the navigation (260 px less its padding): on a desktop they sit over its empty
          foot, never over a page's actions (the top right held Delete on the assistant page; the bottom right, the
          sticky Save). */}
      <Notifications position="bottom-left" containerWidth={228} />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename="/app">
          <Routes>
            <Route
              path="invite"
              element={
                <Suspense fallback={<Loading label="Loading Parley" />}>
                  <InvitePage />
                </Suspense>
              }
            />
            <Route path="*" element={<Gate />} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
