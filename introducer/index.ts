// Public surface of the introducer, for the raftbed CLI and the browser adapter.
export { startIntroducer, CloseCode, WS_PATH, IntroducerOptionError, type IntroducerHandle, type IntroducerOptions, type IntroducerCounters } from './server';
export { makeJoinToken, verifyJoinToken, type TokenVerdict } from './tokens';
export { IntroducerClient, IntroducerJoinError, makeJoinTokenAsync, type WebSocketLike, type JoinRequest, type IntroducerClientEvents } from './client';
export * from './schema';
