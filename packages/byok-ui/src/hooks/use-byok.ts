import { useContext } from 'react';
import { BYOKContext, type BYOKContextValue } from '../context.js';

/** The API client and shared state of the nearest `<BYOKProvider>`. */
export function useBYOK(): BYOKContextValue {
  const value = useContext(BYOKContext);
  if (!value) throw new Error('BYOK components must be inside <BYOKProvider>');
  return value;
}
