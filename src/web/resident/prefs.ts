import { createContext, useContext } from 'react';

/** What the shell keeps for its pages: the large-text mode (on this device) and signing out. */
export interface ResidentPrefs {
  large: boolean;
  setLarge: (on: boolean) => void;
  signOut: () => Promise<void>;
}

export const ResidentPrefsContext = createContext<ResidentPrefs>({
  large: false,
  setLarge: () => undefined,
  signOut: async () => undefined,
});

export const useResidentPrefs = () => useContext(ResidentPrefsContext);
