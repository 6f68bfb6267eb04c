/**
 * streamz-ts/net: a TCP server source ({@link fromTcp}) on node:net.
 * @packageDocumentation
 */
export {
  fromTcp,
  type FromTcpOptions,
  type TcpSource,
  type TcpClientError,
  type TcpClientErrorCode,
} from './from-tcp.js'
