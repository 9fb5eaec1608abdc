/** The parts of socket.io-client 2.x (installed under the alias socket.io-client-v2) the legacy tests use. */
declare module 'socket.io-client-v2' {
  interface LegacySocket {
    io: { engine: { transport: { name: string } } };
    on(event: string, listener: (...args: any[]) => void): LegacySocket;
    once(event: string, listener: (...args: any[]) => void): LegacySocket;
    emit(event: string, ...args: any[]): LegacySocket;
    close(): LegacySocket;
  }
  function io(url: string, options?: Record<string, unknown>): LegacySocket;
  export default io;
}
