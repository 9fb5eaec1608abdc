import { BusHub } from '../../test/support/bus-hub.js';
import { deliveryBusContract } from '../../test/support/delivery-bus.contract.js';
import { LocalDeliveryBus } from './delivery-bus.js';

deliveryBusContract('LocalDeliveryBus (one process)', async () => {
  const bus = new LocalDeliveryBus();
  return { a: bus, b: bus, crossProcess: false, close: async () => {} };
});

deliveryBusContract('BusHub (two simulated processes, as the test cluster joins them)', async () => {
  const hub = new BusHub();
  return { a: hub.bus(), b: hub.bus(), crossProcess: true, close: async () => {} };
});
