import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas, type User } from '../api/client';

export const USER_KEY = ['user'] as const;
export const SETUP_KEY = ['setup'] as const;

/** The signed-in user, or null when not signed in (`GET /user` answers 401). */
export function useCurrentUser() {
  return useQuery({
    queryKey: USER_KEY,
    queryFn: async (): Promise<User | null> => {
      try {
        const identity = await unwrap(api.GET('/user'));
        // A browser only ever holds a session; an API key identity cannot come from the dashboard.
        return identity.kind === 'member' ? identity.user : null;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 30_000,
  });
}

export function useSetupState() {
  return useQuery({ queryKey: SETUP_KEY, queryFn: () => unwrap(api.GET('/setup')), staleTime: Infinity });
}

/** After sign-in, setup or accepting an invite: the answer carries the user, so no second request is needed. */
export function useSignedIn() {
  const client = useQueryClient();
  return (signedIn: Schemas['SignedIn']) => {
    client.setQueryData(SETUP_KEY, { needs_setup: false });
    client.setQueryData(USER_KEY, signedIn.user);
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await unwrap(api.POST('/auth/sign-out'));
    // Nothing of the previous user stays in the cache for the next one.
    client.clear();
    client.setQueryData(USER_KEY, null);
  };
}
