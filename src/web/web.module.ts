import { Module } from '@nestjs/common';
import { WidgetsController } from './widgets.controller.js';

@Module({ controllers: [WidgetsController] })
export class WebModule {}
