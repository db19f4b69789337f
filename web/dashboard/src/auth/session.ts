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
    // Accepting an invite while signed in as someone else switches user: nothing of the other one stays.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== USER_KEY[0] && q.queryKey[0] !== SETUP_KEY[0] });
  };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await unwrap(api.POST('/auth/sign-out'));
    // The gate (subscribed to the user) shows sign-in; then nothing of this user stays cached for the next one.
    // (clear() would also drop the query the gate observes, which would then never hear of the sign-out.)
    client.setQueryData(USER_KEY, null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== USER_KEY[0] && q.queryKey[0] !== SETUP_KEY[0] });
  };
}
