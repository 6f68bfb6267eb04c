/**
 * streamz-ts/mqtt: MQTT sources and sinks on mqtt.js (an optional peer dependency).
 * @packageDocumentation
 */
export { fromMqtt } from './from-mqtt.js'
export type { FromMqttOptions, MqttMessage } from './from-mqtt.js'
export { toMqtt } from './to-mqtt.js'
export type { ToMqttOptions } from './to-mqtt.js'
